# A complete deployment: a new VPC, the appliance, and nothing else. Apply it twice:
#   1. without eif_* / parent_host_* / enclave_pcr0_values: creates the network, the database and
#      the two KMS keys (which nobody can use yet), and an empty Auto Scaling group;
#   2. after eif-build/build.sh with the key ARNs from step 1 and the same public_base_url (the
#      eif_build_command output): with the EIF, its SHA-256 and PCR0;
#      the instances start and the first one provisions the sealing keys.
# See docs/deployment.md.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 6.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      ManagedBy = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

module "appliance" {
  source = "../../modules/appliance"

  name                 = var.name
  allowed_client_cidrs = var.allowed_client_cidrs
  certificate_arn      = var.certificate_arn
  public_base_url      = var.public_base_url

  # The principal running Terraform must stay a key administrator, or KMS refuses the policy.
  key_admin_arns = distinct(concat([data.aws_caller_identity.current.arn], var.extra_key_admin_arns))

  enclave_pcr0_values = var.enclave_pcr0_values
  enclave_pcr8_values = var.enclave_pcr8_values

  eif_s3_uri         = var.eif_s3_uri
  eif_sha256         = var.eif_sha256
  parent_host_s3_uri = var.parent_host_s3_uri
  parent_host_sha256 = var.parent_host_sha256

  instance_type      = var.instance_type
  instance_count     = var.instance_count
  enclave_cpu_count  = var.enclave_cpu_count
  enclave_memory_mib = var.enclave_memory_mib

  tags = var.tags
}
