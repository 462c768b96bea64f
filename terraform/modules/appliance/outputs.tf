output "api_endpoint" {
  description = "Base URL of the REST API (internal load balancer, HTTPS); point a DNS name covered by certificate_arn at api_lb_dns_name."
  value       = "https://${aws_lb.api.dns_name}"
}

output "api_lb_dns_name" {
  description = "DNS name of the internal API load balancer."
  value       = aws_lb.api.dns_name
}

output "autoscaling_group_name" {
  description = "Auto Scaling group of the parent instances (start an instance refresh here after an upgrade)."
  value       = aws_autoscaling_group.this.name
}

output "auth_key_arn" {
  description = "ARN of the KMS key of the auth shares: pass it to eif-build/build.sh --auth-key-id."
  value       = aws_kms_key.auth_shares.arn
}

output "exec_key_arn" {
  description = "ARN of the KMS key of the exec shares: pass it to eif-build/build.sh --exec-key-id."
  value       = aws_kms_key.exec_shares.arn
}

output "region" {
  description = "Region of the deployment: pass it to eif-build/build.sh --region."
  value       = data.aws_region.current.name
}

output "public_base_url" {
  description = "The API's public base URL in the parent host's configuration: pass the same value to eif-build/build.sh --public-base-url."
  value       = var.public_base_url
}

output "db_endpoint" {
  description = "host:port of the PostgreSQL database (private)."
  value       = aws_db_instance.this.endpoint
}

output "db_secret_arn" {
  description = "Secrets Manager secret holding the database master password (managed and rotated by RDS)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "instance_role_arn" {
  description = "The parent instances' IAM role (the only principal the key policies release data keys to)."
  value       = aws_iam_role.instance.arn
}

output "log_groups" {
  description = "CloudWatch log groups by purpose."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "vpc_id" {
  description = "The VPC the appliance runs in."
  value       = local.vpc_id
}

output "key_alarm_topic_arn" {
  description = "SNS topic that receives the sealing-key alarms (PutKeyPolicy, ScheduleKeyDeletion, DisableKey): subscribe the on-call address to it."
  value       = local.key_alarm_topic_arn
}

output "kms_vpc_endpoint_id" {
  description = "KMS interface endpoint the key policy requires for the enclave's requests (aws:SourceVpce), or null."
  value       = local.kms_vpc_endpoint_id
}

output "pcr3_command" {
  description = "Prints the PCR3 of enclaves on this deployment's parent instances (SHA-384 of 48 zero bytes and the instance role ARN), for enclave_pcr3_values."
  value       = "python3 -c 'import hashlib,sys; print(hashlib.sha384(bytes(48) + sys.argv[1].encode()).hexdigest())' ${aws_iam_role.instance.arn}"
}

output "account_id" {
  description = "AWS account of the KMS keys: pass it to eif-build/build.sh --account-id."
  value       = data.aws_caller_identity.current.account_id
}

output "deployment_id" {
  description = "The deployment's name (var.name): pass it to eif-build/build.sh --deployment-id; the enclave binds it into every data key's KMS encryption context."
  value       = var.name
}
